-- Lesson 2: personas.
--
-- The question this scenario answers: the shop's page converts about 20% of
-- its visitors into orders. But the visitors are three kinds of people:
-- beginners, experienced athletes and coaches. Does the average hide who
-- actually buys?
--
--   cjmsim check scripts/lesson2_personas.lua   the funnel of each persona
--   cjmsim run scripts/lesson2_personas.lua     the simulated results
--
-- What to learn:
--   * a persona is a kind of customer with a share of the audience; each
--     walks the same stages with its own probabilities;
--   * personas come from the persona library (personas/*.lua, described
--     with the 5W method: what, who, why, when, where), pulled in with
--     include; the scenario gives each one its share;
--   * the average is a mix. Beginners are half of the visitors, but only
--     10% of them order (20% reach the cart x 50%), against 32% of the
--     athletes (43% x 75%) and 22% of the coaches (33% x 67%): beginners
--     bring a quarter of the orders. To sell more, help the beginners choose.
--
-- Try next: lesson 3 adds emotions and an intervention.

scenario {
  name = "Lesson 2: personas",
  question = "Which kind of visitor orders, and which one does the average hide?",
  days = 30,
  customers = 10000,
  seed = 2,
}

-- The personas, from the library. Open personas/beginner.lua to see one.
include "beginner" { share = 0.50 }
include "athlete"  { share = 0.35 }
include "coach"    { share = 0.15 }

stage "product_page" { entry = true, touchpoints = { "photos", "label", "reviews" } }
stage "cart"         { touchpoints = "the shopping cart" }
stage "order"        { purchase = true, terminal = true,
                       value = { beginner = 2500, athlete = 3500, coach = 9000 } }
stage "left"         { terminal = true }

-- A table gives each persona its own probability. Everybody leaves the page
-- with 0.20 a day; athletes know what they want and go to the cart fastest.
--   beginner 0.05 / (0.05 + 0.20) = 20%, athlete 0.15 / 0.35 = 43%,
--   coach 0.10 / 0.30 = 33%
transition("product_page", "cart", { beginner = 0.05, athlete = 0.15, coach = 0.10 })
transition("product_page", "left", 0.20)

-- From the cart: beginner 0.10 / 0.20 = 50%, athlete 0.30 / 0.40 = 75%,
-- coach 0.20 / 0.30 = 67%.
transition("cart", "order", { beginner = 0.10, athlete = 0.30, coach = 0.20 })
transition("cart", "left", 0.10)
