-- athlete: trains for years, competes as an amateur, knows the brands.
-- From the sports-nutrition shop (scripts/sport_nutrition.lua); used in
-- scripts/lesson2_personas.lua.
--
--   include "athlete" { share = 0.35 }
--
-- Attributes that transition functions can read:
--   c.reorder  daily chance to order again once the tub runs out: 0.025
--              (a training plan does not stop, so athletes reorder most)

persona "athlete" {
  mood = 1,                 -- buys routinely and expects it to go well
  what = "Proteins, BCAA, creatine of the brands they trust",
  who = "Trains for years, competes as an amateur",
  why = "Keeps a training plan going",
  when = "When the current tub runs out",
  where = "Compares prices across shops",
  needs = "Fair price, genuine products, fast delivery",
  pains = "Fakes and out-of-stock favourites",
  goals = "Never run out in the middle of a cycle",
  quote = "I know what I need. Just have it in stock and ship it today.",
  reorder = 0.025,
}
