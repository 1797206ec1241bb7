-- Course, lesson 2: personas and the 5W.
--
-- The shop's product page converts about one visitor in five into an order.
-- But the visitors are three kinds of people, described with the 5W method in
-- the persona library: who they are, what they buy, why, when and where
-- (run `cjmsim check scenario.lua` to read them, or open
-- personas/beginner.lua, athlete.lua, coach.lua). Does the average hide who
-- actually buys, and which persona should the shop help first?
--
--   cjmsim check scenario.lua
--   cjmsim run scenario.lua --exact
--   cjmsim run scenario.lua --exact --set p_cart_beginner=0.10
--
-- Each persona walks the same stages with its own daily probabilities (a
-- table with a number per persona). The tasks are in student.en.md.

scenario {
  name = "Course 2: personas and the 5W",
  question = "Which persona orders, which one does the average hide, and whom should we help first?",
  days = 30,
  customers = 10000,
  seed = 2,
}

-- The audience: beginners are half of it, coaches 15%, athletes the rest.
local share_beginner = param "share_beginner" { 0.50, low = 0.30, high = 0.70 }
local share_coach = 0.15

-- A beginner's daily chance to put the product in the cart. The 5W says
-- beginners need "simple guidance: what to take"; a product-picking quiz
-- would raise this number.
local p_cart_beginner = param "p_cart_beginner" { 0.05, low = 0.05, high = 0.15 }

include "beginner" { share = share_beginner }
include "athlete"  { share = 1 - share_beginner - share_coach }
include "coach"    { share = share_coach }

stage "product_page" { entry = true, touchpoints = { "photos", "label", "reviews" },
                       pains = "Too many products, too much jargon" }
stage "cart"         { touchpoints = "the shopping cart" }
stage "order"        { purchase = true, terminal = true,
                       value = { beginner = 2500, athlete = 3500, coach = 9000 } }
stage "left"         { terminal = true }

-- To the cart: beginner 0.05 / (0.05 + 0.20) = 20%, athlete 0.15 / 0.35 = 43%,
-- coach 0.10 / 0.30 = 33%.
transition("product_page", "cart", { beginner = p_cart_beginner, athlete = 0.15, coach = 0.10 })
transition("product_page", "left", 0.20)

-- From the cart to the order: beginner 0.10 / 0.20 = 50%, athlete 0.30 / 0.40
-- = 75%, coach 0.20 / 0.30 = 67%.
transition("cart", "order", { beginner = 0.10, athlete = 0.30, coach = 0.20 })
transition("cart", "left", 0.10)
