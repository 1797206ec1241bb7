-- Lesson 1: a three-stage funnel.
--
-- The question this scenario answers: of 10,000 people who open a product
-- page, how many put the product in the cart, how many order, and which
-- stage loses the most people?
--
--   cjmsim check scripts/lesson1_funnel.lua   what the file means
--   cjmsim run scripts/lesson1_funnel.lua     the simulated funnel
--
-- What to learn:
--   * a journey is stages (the columns of a journey map) and transitions
--     between them;
--   * a transition's number is a DAILY probability: each day a visitor on
--     the page puts the product in the cart with 0.10 and leaves with 0.30.
--     Of those who decide, 0.10 / (0.10 + 0.30) = 25% go to the cart, and
--     they take 1 / (0.10 + 0.30) = 2.5 days on average to decide;
--   * conversions multiply: 25% to the cart x 50% from the cart to an order =
--     12.5% of the visitors order: about 2,500 carts and 1,250 orders.
--
-- Try next: make the cart convert better (0.15 instead of 0.10), run again,
-- and see what happens to the orders. Then go on to lesson 2.

scenario {
  name = "Lesson 1: a three-stage funnel",
  question = "Of 10,000 visitors, how many put the product in the cart, how many order, and where do we lose most?",
  days = 30,
  customers = 10000,
  seed = 1,
}

-- The three stages of the funnel, and the place where people go when they
-- leave it. Exactly one stage is the entry: everybody starts there on day 0.
stage "product_page" { entry = true, touchpoints = { "photos", "price", "reviews" } }
stage "cart"         { touchpoints = "the shopping cart", thoughts = "Is the delivery cheap enough?" }
stage "order"        { purchase = true, value = 2000, terminal = true }
stage "left"         { terminal = true, description = "Closed the tab" }

-- 25% of the visitors put the product in the cart.
transition("product_page", "cart", 0.10)
transition("product_page", "left", 0.30)

-- 50% of the carts become orders.
transition("cart", "order", 0.20)
transition("cart", "left", 0.20)
