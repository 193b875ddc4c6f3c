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

diesel::table! {
    needs (id) {
        id -> Text,
        organisation_id -> Text,
        created_by -> Nullable<Text>,
        title -> Text,
        description -> Text,
        themes -> Text,
        cpv_codes -> Text,
        counties -> Text,
        national -> Bool,
        estimated_value_nok -> Nullable<BigInt>,
        planned_tender_date -> Nullable<Date>,
        status -> Text,
        language -> Text,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    need_participants (need_id, organisation_id) {
        need_id -> Text,
        organisation_id -> Text,
        account_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    capabilities (id) {
        id -> Text,
        organisation_id -> Text,
        created_by -> Nullable<Text>,
        title -> Text,
        description -> Text,
        themes -> Text,
        cpv_codes -> Text,
        counties -> Text,
        national -> Bool,
        maturity -> Nullable<Text>,
        keywords -> Text,
        reference_list -> Text,
        language -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cpv_vocabulary (code) {
        code -> Text,
        check_digit -> Text,
        label_en -> Text,
        label_nb -> Text,
    }
}

diesel::table! {
    index_queue (seq) {
        seq -> BigInt,
        entity -> Text,
        entity_id -> Text,
        enqueued_at -> Timestamp,
    }
}

diesel::joinable!(needs -> organisations (organisation_id));
diesel::joinable!(capabilities -> organisations (organisation_id));
diesel::joinable!(need_participants -> needs (need_id));

diesel::allow_tables_to_appear_in_same_query!(
    needs,
    need_participants,
    capabilities,
    cpv_vocabulary,
    index_queue,
    organisations,
    accounts,
    organisation_invites,
    cluster_members,
);
