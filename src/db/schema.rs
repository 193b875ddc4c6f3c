//! The diesel schema, shared by both backends. Written by hand to match `migrations/`.

diesel::table! {
    organisations (id) {
        id -> Text,
        kind -> Text,
        orgnr -> Text,
        name -> Text,
        search_key -> Text,
        website -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        sector -> Nullable<Text>,
        county -> Nullable<Text>,
        size -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        organisation_id -> Nullable<Text>,
        security_stamp -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organisation_invites (organisation_id, email) {
        organisation_id -> Text,
        email -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cluster_members (cluster_id, member_id) {
        cluster_id -> Text,
        member_id -> Text,
        added_at -> Timestamp,
    }
}

diesel::joinable!(accounts -> organisations (organisation_id));
diesel::joinable!(organisation_invites -> organisations (organisation_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    accounts,
    organisation_invites,
    cluster_members,
);
