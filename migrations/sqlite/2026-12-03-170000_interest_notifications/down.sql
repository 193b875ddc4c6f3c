DROP TABLE notification_settings;
DROP TABLE notifications;
DROP TABLE need_interests;
