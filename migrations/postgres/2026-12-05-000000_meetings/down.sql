DROP TABLE slot_preferences;
DROP TABLE meetings;
DROP TABLE slots;
DROP TABLE booking_offers;
