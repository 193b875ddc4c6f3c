DROP TABLE interest_requests;
DROP TABLE confirmed_addresses;
