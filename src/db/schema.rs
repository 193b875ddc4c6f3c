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
        verified_at -> Nullable<Timestamp>,
        approval -> Text,
        approved_by -> Nullable<Text>,
        ended -> Nullable<Text>,
        form_code -> Nullable<Text>,
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
        removed_at -> Nullable<Timestamp>,
        email_confirmed_at -> Nullable<Timestamp>,
        email_confirm_token_hash -> Nullable<Text>,
        email_confirm_sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    confirmed_addresses (email) {
        email -> Text,
        confirmed_at -> Timestamp,
    }
}

diesel::table! {
    interest_requests (id) {
        id -> Text,
        dialogue_id -> Text,
        orgnr -> Text,
        supplier_id -> Nullable<Text>,
        email -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    limit_events (id) {
        id -> Text,
        key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    organisation_invites (organisation_id, email) {
        organisation_id -> Text,
        email -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
        token_hash -> Nullable<Text>,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        account_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    cluster_members (cluster_id, member_id) {
        cluster_id -> Text,
        member_id -> Text,
        added_at -> Timestamp,
        status -> Text,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oidc_logins (state_hash) {
        state_hash -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        next_path -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    oidc_identities (issuer, subject) {
        issuer -> Text,
        subject -> Text,
        account_id -> Nullable<Text>,
        email -> Nullable<Text>,
        email_verified -> Bool,
        name -> Nullable<Text>,
        pending_token_hash -> Nullable<Text>,
        created_at -> Timestamp,
        last_sign_in_at -> Timestamp,
    }
}

diesel::table! {
    registry_entities (orgnr) {
        orgnr -> Text,
        name -> Text,
        form_code -> Nullable<Text>,
        form_name -> Nullable<Text>,
        sector_code -> Nullable<Text>,
        industry_code -> Nullable<Text>,
        municipality -> Nullable<Text>,
        employees -> Nullable<Integer>,
        bankrupt -> Bool,
        winding_up -> Bool,
        deleted_on -> Nullable<Text>,
        last_update_id -> BigInt,
        data -> Text,
        updated_at -> Timestamp,
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

diesel::table! {
    processes (id) {
        id -> Text,
        title -> Text,
        description -> Text,
        lead_organisation_id -> Text,
        procedure_planned -> Text,
        procedure_used -> Nullable<Text>,
        phase -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    process_needs (process_id, need_id) {
        process_id -> Text,
        need_id -> Text,
    }
}

diesel::table! {
    process_buyers (process_id, organisation_id) {
        process_id -> Text,
        organisation_id -> Text,
        status -> Text,
        invited_by -> Nullable<Text>,
        invited_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    process_phase_changes (id) {
        id -> Text,
        process_id -> Text,
        from_phase -> Nullable<Text>,
        to_phase -> Text,
        note -> Nullable<Text>,
        reason -> Nullable<Text>,
        irregular -> Bool,
        account_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    lifts (id) {
        id -> Text,
        title -> Text,
        theme -> Text,
        description -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lift_processes (lift_id, process_id) {
        lift_id -> Text,
        process_id -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    proposals (id) {
        id -> Text,
        process_id -> Text,
        cluster_id -> Text,
        supplier_id -> Text,
        note -> Nullable<Text>,
        status -> Text,
        proposed_by -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    solutions (id) {
        id -> Text,
        process_id -> Text,
        title -> Text,
        description -> Text,
        supplier_ids -> Text,
        benefits -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    solution_adoptions (solution_id, organisation_id) {
        solution_id -> Text,
        organisation_id -> Text,
        status -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        entity -> Text,
        entity_id -> Text,
        process_id -> Nullable<Text>,
        action -> Text,
        account_id -> Nullable<Text>,
        organisation_id -> Nullable<Text>,
        before_value -> Nullable<Text>,
        after_value -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(process_needs -> processes (process_id));
diesel::joinable!(process_buyers -> processes (process_id));
diesel::joinable!(lift_processes -> lifts (lift_id));

diesel::table! {
    dialogues (id) {
        id -> Text,
        process_id -> Text,
        kind -> Text,
        title -> Text,
        agenda -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        place -> Nullable<Text>,
        online_url -> Nullable<Text>,
        response_deadline -> Timestamp,
        capacity -> Nullable<BigInt>,
        language -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sequence -> BigInt,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        dialogue_id -> Text,
        supplier_id -> Nullable<Text>,
        orgnr -> Text,
        source -> Text,
        email -> Text,
        token_hash -> Text,
        status -> Text,
        failure -> Nullable<Text>,
        answer -> Nullable<Text>,
        attendees -> Nullable<BigInt>,
        comment -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        reminder_sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    questions (id) {
        id -> Text,
        dialogue_id -> Text,
        invitation_id -> Text,
        question -> Text,
        answer -> Nullable<Text>,
        answered_by -> Nullable<Text>,
        asked_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        invitation_id -> Nullable<Text>,
        dialogue_id -> Nullable<Text>,
        recipient -> Text,
        subject -> Text,
        message_id -> Text,
        body -> Nullable<Text>,
        sha256 -> Text,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        about_id -> Nullable<Text>,
    }
}

diesel::table! {
    unsubscribes (email) {
        email -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    web_sessions (id_hash) {
        id_hash -> Text,
        account_id -> Text,
        security_stamp -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    notices (id) {
        id -> Text,
        version -> Text,
        notice_type -> Text,
        subtype -> Text,
        kind -> Text,
        publication_date -> Date,
        title -> Text,
        titles -> Text,
        descriptions -> Text,
        cpv_codes -> Text,
        nuts -> Text,
        counties -> Text,
        procedure_code -> Nullable<Text>,
        innovative_acquisition -> Text,
        refs -> Text,
        consultation_deadline -> Nullable<Timestamp>,
        early_dialogue -> Bool,
        procurement_of_innovation -> Bool,
        need_id -> Nullable<Text>,
        source -> Text,
        sha256 -> Text,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    notice_buyers (notice_id, position) {
        notice_id -> Text,
        position -> BigInt,
        identifier -> Nullable<Text>,
        scheme -> Nullable<Text>,
        orgnr -> Nullable<Text>,
        name -> Text,
        organisation_id -> Nullable<Text>,
    }
}

diesel::table! {
    radar_told (organisation_id, group_id) {
        organisation_id -> Text,
        group_id -> Text,
        told_at -> Timestamp,
    }
}

diesel::table! {
    ocds_releases (id) {
        id -> Text,
        ocid -> Text,
        seq -> BigInt,
        object_kind -> Text,
        object_id -> Text,
        sha256 -> Text,
        body -> Text,
        published_at -> Timestamp,
    }
}

diesel::table! {
    contracts (id) {
        id -> Text,
        organisation_id -> Nullable<Text>,
        buyer_name -> Text,
        buyer_identifier -> Nullable<Text>,
        title -> Text,
        cpv_codes -> Text,
        counties -> Text,
        starts_at -> Nullable<Date>,
        ends_at -> Date,
        renewal_options -> Nullable<Date>,
        value_nok -> Nullable<BigInt>,
        shared -> Bool,
        source -> Text,
        notice_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    digest_settings (organisation_id) {
        organisation_id -> Text,
        enabled -> Bool,
        threshold -> Double,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    digest_sent (organisation_id, need_id) {
        organisation_id -> Text,
        need_id -> Text,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    need_interests (need_id, organisation_id) {
        need_id -> Text,
        organisation_id -> Text,
        account_id -> Nullable<Text>,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        account_id -> Text,
        kind -> Text,
        subject_id -> Text,
        title -> Text,
        actor -> Text,
        link -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        emailed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_settings (account_id, kind) {
        account_id -> Text,
        kind -> Text,
        email -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(notice_buyers -> notices (notice_id));

diesel::table! {
    booking_offers (dialogue_id) {
        dialogue_id -> Text,
        allocation -> Text,
        opens_at -> Timestamp,
        deadline -> Timestamp,
        meetings_per_supplier -> BigInt,
        seed -> Text,
        seed_sha256 -> Text,
        allocated_at -> Nullable<Timestamp>,
        record -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    slots (id) {
        id -> Text,
        dialogue_id -> Text,
        table_no -> BigInt,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meetings (id) {
        id -> Text,
        dialogue_id -> Text,
        slot_id -> Text,
        invitation_id -> Text,
        status -> Text,
        source -> Text,
        notes -> Nullable<Text>,
        sequence -> BigInt,
        cancelled_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    slot_preferences (invitation_id, slot_id) {
        invitation_id -> Text,
        slot_id -> Text,
        dialogue_id -> Text,
        rank -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(meetings -> slots (slot_id));

diesel::table! {
    documents (id) {
        id -> Text,
        process_id -> Text,
        dialogue_id -> Nullable<Text>,
        title -> Text,
        visibility -> Text,
        comments_until -> Nullable<Timestamp>,
        current_version -> BigInt,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    document_blobs (id) {
        id -> Text,
        size -> BigInt,
        complete -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    document_chunks (blob_id, seq) {
        blob_id -> Text,
        seq -> BigInt,
        data -> Binary,
    }
}

diesel::table! {
    document_versions (id) {
        id -> Text,
        document_id -> Text,
        version -> BigInt,
        blob_id -> Nullable<Text>,
        file_name -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        uploaded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    document_comments (id) {
        id -> Text,
        document_id -> Text,
        version -> BigInt,
        invitation_id -> Text,
        section -> Text,
        text -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    publications (id) {
        id -> Text,
        dialogue_id -> Text,
        document_id -> Nullable<Text>,
        kind -> Text,
        text -> Text,
        sha256 -> Text,
        published_by -> Nullable<Text>,
        published_at -> Timestamp,
    }
}

diesel::joinable!(document_comments -> invitations (invitation_id));

diesel::allow_tables_to_appear_in_same_query!(
    contracts,
    radar_told,
    ocds_releases,
    documents,
    limit_events,
    confirmed_addresses,
    interest_requests,
    document_blobs,
    document_chunks,
    document_versions,
    document_comments,
    publications,
    needs,
    need_participants,
    capabilities,
    cpv_vocabulary,
    index_queue,
    organisations,
    accounts,
    organisation_invites,
    password_resets,
    cluster_members,
    registry_entities,
    oidc_logins,
    oidc_identities,
    processes,
    process_needs,
    process_buyers,
    process_phase_changes,
    lifts,
    lift_processes,
    proposals,
    solutions,
    solution_adoptions,
    audit_log,
    dialogues,
    invitations,
    questions,
    outbox,
    unsubscribes,
    web_sessions,
    notices,
    notice_buyers,
    digest_settings,
    digest_sent,
    need_interests,
    notifications,
    notification_settings,
    booking_offers,
    slots,
    meetings,
    slot_preferences,
);
