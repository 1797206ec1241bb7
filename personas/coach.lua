-- coach: coaches a team or a group and orders for several people at once.
-- From the sports-nutrition shop (scripts/sport_nutrition.lua); used in
-- scripts/lesson2_personas.lua.
--
--   include "coach" { share = 0.15 }
--
-- Attributes that transition functions can read:
--   c.reorder    daily chance to order again once the stock runs out: 0.022
--   c.team_size  people the coach buys for: 12

persona "coach" {
  mood = 1,
  what = "Orders for the whole group",
  who = "Coaches a team or a group",
  why = "The team's results are the coach's reputation",
  when = "Before a training camp or a season",
  where = "Messengers, phone, a personal manager",
  needs = "Bulk prices, invoices, reliable dates",
  pains = "Late deliveries break the training plan",
  goals = "A supplier to rely on for years",
  quote = "If the parcel is late, twelve people train without it.",
  reorder = 0.022,
  team_size = 12,
}
