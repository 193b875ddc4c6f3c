DROP TABLE index_queue;
DROP TABLE cpv_vocabulary;
DROP TABLE capabilities;
DROP TABLE need_participants;
DROP TABLE needs;
