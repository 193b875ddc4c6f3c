DROP TABLE digest_sent;
DROP TABLE digest_settings;
DROP TABLE notice_buyers;
DROP TABLE notices;
