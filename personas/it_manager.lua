-- it_manager: the head of IT of a mid-size company (100 to 500 people) who
-- wants to hand routine work to a contractor. A B2B customer group described
-- with the 5W method; used in scripts/b2b_services.lua.
--
--   include "it_manager" { share = 0.3 }
--
-- Attributes that transition functions can read:
--   c.renewal    daily chance to renew once a quarter of service is over: 0.15
--   c.employees  people in the company: 250

persona "it_manager" {
  mood = 0,
  what = "Help desk and 24/7 monitoring as a service",
  who = "Head of IT of a company of 100 to 500 people",
  why = "The team drowns in routine tickets; projects stall",
  when = "After a colleague leaves, or while planning next year's budget",
  where = "Professional webinars, conferences, case studies, the Telegram channel",
  needs = "Response times in the contract, reports, engineers who know their job",
  pains = "A contractor who knows less than the own team",
  goals = "Free the team for projects without losing control",
  channels = { "webinars", "Telegram channel", "search ads" },
  renewal = 0.15,
  employees = 250,
}
