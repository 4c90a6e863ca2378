"""Financial corrections booked from audit findings (:mod:`.booking`), the recoveries they open and their
settlement (:mod:`.recoveries`), the approved EFRO as a ceiling (:mod:`.ceiling`), the signed split
(:mod:`.split`) and the register (:mod:`.register`). Import the submodules: the claim and payment services
use some of them, and booking builds on the claim figures."""
