-- beginner: started going to the gym a few months ago and buys a first
-- sports-nutrition product. From the sports-nutrition shop
-- (scripts/sport_nutrition.lua); used in scripts/lesson2_personas.lua.
--
-- The file gives no share: the scenario that includes it does, because how
-- many beginners there are depends on the shop, not on the persona:
--
--   include "beginner" { share = 0.5 }
--
-- Attributes that transition functions can read:
--   c.reorder  daily chance to order again once the tub runs out: 0.010
--              (beginners often stop training, so they reorder least)

persona "beginner" {
  mood = 0,                 -- arrives neither worried nor enthusiastic
  -- the 5W method: what, who, why, when, where
  what = "A first protein, maybe a gainer",
  who = "Started going to the gym a few months ago",
  why = "Wants visible results without harming health",
  when = "After a trainer or a friend advised it",
  where = "Searches the web, reads reviews, asks in chats",
  needs = "Simple guidance: what to take, how much, when",
  pains = { "Fear of choosing wrong", "Does not understand the labels" },
  goals = "Gain muscle safely",
  quote = "There are a hundred proteins. Which one is mine?",
  reorder = 0.010,
}
