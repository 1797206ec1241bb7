-- procurement: a procurement specialist of a large company who buys IT
-- services through a tender. A B2B customer group described with the 5W
-- method; used in scripts/b2b_services.lua.
--
--   include "procurement" { share = 0.1 }
--
-- Attributes that transition functions can read:
--   c.renewal    daily chance to renew once a quarter of service is over: 0.10
--   c.employees  people in the company: 3000

persona "procurement" {
  mood = -1,                -- a tender is paperwork and risk, not a pleasure
  what = "A service contract won in a tender",
  who = "Procurement specialist of a company of thousands",
  why = "The IT department asked for a contractor; the rules require a tender",
  when = "On the tender calendar, a few times a year",
  where = "Tender platforms, e-mail, the supplier's website",
  needs = "Complete documents, the lowest compliant price, a supplier that passes the checks",
  pains = "Suppliers who miss documents or deadlines",
  goals = "Close the purchase on time without a complaint",
  channels = { "tender platform", "e-mail", "search ads" },
  renewal = 0.10,
  employees = 3000,
}
