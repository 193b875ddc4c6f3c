//! Joint processes: phases, procedures and the states of buyers, proposals and adoptions.

use super::string_enum;

string_enum!(
    /// Where a joint process is. The order of the first six is the normal course.
    Phase, "to", {
        /// Behovsavklaring.
        NeedClarification => "need_clarification",
        /// Markedsdialog.
        MarketDialogue => "market_dialogue",
        /// Konkurranse.
        Competition => "competition",
        /// Kontrakt.
        Contract => "contract",
        /// Gevinstrealisering.
        BenefitFollowup => "benefit_followup",
        /// Fullført.
        Completed => "completed",
        /// Avbrutt; reachable from any phase.
        Cancelled => "cancelled",
    }
);

impl Phase {
    /// The position in the normal course; `None` for cancelled.
    pub fn order(self) -> Option<usize> {
        Phase::ALL
            .iter()
            .position(|p| *p == self)
            .filter(|_| self != Phase::Cancelled)
    }

    /// Whether going from `self` to `to` is the next step of the normal course (or a
    /// cancellation of a process still running). Anything else needs a reason.
    pub fn is_regular_move(self, to: Phase) -> bool {
        match (self.order(), to) {
            (Some(_), Phase::Cancelled) => self != Phase::Completed,
            (Some(from), _) => to.order() == Some(from + 1),
            (None, _) => false,
        }
    }

    /// Whether the process has reached `other` in the normal course.
    pub fn at_least(self, other: Phase) -> bool {
        matches!((self.order(), other.order()), (Some(a), Some(b)) if a >= b)
    }
}

string_enum!(
    /// The procurement procedure, planned and then used.
    Procedure, "procedure", {
        /// Innovasjonspartnerskap.
        InnovationPartnership => "innovation_partnership",
        /// Førkommersiell anskaffelse.
        PreCommercialProcurement => "pre_commercial_procurement",
        /// Konkurransepreget dialog.
        CompetitiveDialogue => "competitive_dialogue",
        /// Konkurranse med forhandling etter forutgående kunngjøring.
        NegotiatedWithPriorPublication => "negotiated_with_prior_publication",
        /// Åpen anbudskonkurranse.
        Open => "open",
        /// Begrenset anbudskonkurranse.
        Restricted => "restricted",
        /// Annen.
        Other => "other",
    }
);

impl Procedure {
    /// Procurement of innovation: an innovation partnership or a pre-commercial procurement.
    pub fn is_procurement_of_innovation(self) -> bool {
        matches!(
            self,
            Procedure::InnovationPartnership | Procedure::PreCommercialProcurement
        )
    }
}

string_enum!(
    /// A buyer's place in a process.
    BuyerStatus, "status", {
        /// Started the process and leads it.
        Lead => "lead",
        /// Invited, not yet answered.
        Invited => "invited",
        /// Takes part.
        Accepted => "accepted",
        /// Said no.
        Declined => "declined",
    }
);

impl BuyerStatus {
    /// True for the buyers that take part: the lead and those who accepted.
    pub fn takes_part(self) -> bool {
        matches!(self, BuyerStatus::Lead | BuyerStatus::Accepted)
    }
}

string_enum!(
    /// What the lead buyer said of a cluster's proposal.
    ProposalStatus, "status", {
        /// Not yet decided.
        Proposed => "proposed",
        /// A candidate for dialogue invitations.
        Accepted => "accepted",
        /// Not taken further.
        Declined => "declined",
    }
);

string_enum!(
    /// A buyer's take-up of a solution.
    AdoptionStatus, "status", {
        /// In use.
        Adopted => "adopted",
        /// Planned.
        Planned => "planned",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_next_phase_or_a_cancellation_is_regular() {
        assert!(Phase::NeedClarification.is_regular_move(Phase::MarketDialogue));
        assert!(
            !Phase::NeedClarification.is_regular_move(Phase::Competition),
            "skipping"
        );
        assert!(
            !Phase::Competition.is_regular_move(Phase::MarketDialogue),
            "going back"
        );
        assert!(Phase::Contract.is_regular_move(Phase::Cancelled));
        assert!(!Phase::Completed.is_regular_move(Phase::Cancelled));
        assert!(!Phase::Cancelled.is_regular_move(Phase::NeedClarification));
        assert!(!Phase::Contract.is_regular_move(Phase::Contract));
        assert!(Phase::BenefitFollowup.at_least(Phase::Contract));
        assert!(!Phase::Cancelled.at_least(Phase::Contract));
    }

    #[test]
    fn procurement_of_innovation() {
        assert!(Procedure::PreCommercialProcurement.is_procurement_of_innovation());
        assert!(!Procedure::CompetitiveDialogue.is_procurement_of_innovation());
        assert_eq!(Procedure::parse("tender").unwrap_err().field, "procedure");
    }
}
