DROP TABLE limit_events;
