//! Values of a need and of a capability: where a need is in its life, and how far a capability
//! has come.

use super::string_enum;

string_enum!(
    /// Where a need is in its life.
    NeedStatus, "status", {
        /// Visible only to the owning organisation.
        Draft => "draft",
        /// Visible to everyone signed in, and matched.
        Open => "open",
        /// Visible, no longer matched.
        Closed => "closed",
    }
);

string_enum!(
    /// How far a capability has come.
    Maturity, "maturity", {
        /// An idea.
        Idea => "idea",
        /// A working prototype.
        Prototype => "prototype",
        /// Tried out with a customer.
        Piloted => "piloted",
        /// Sold today.
        OnMarket => "on_market",
    }
);
