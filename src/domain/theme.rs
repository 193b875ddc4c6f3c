//! The programme's themes, which every need, capability and lift has.

use super::string_enum;

string_enum!(
    /// The programme's themes.
    Theme, "themes", {
        /// Klima og miljø.
        ClimateEnvironment => "climate_environment",
        /// Helse og velferd.
        HealthWelfare => "health_welfare",
        /// Digitalisering.
        Digitalisation => "digitalisation",
        /// Mobilitet og transport.
        MobilityTransport => "mobility_transport",
        /// Bygg og infrastruktur.
        BuildingsInfrastructure => "buildings_infrastructure",
        /// Annet.
        Other => "other",
    }
);
