-- Course, lesson 1: the funnel and conversion.
--
-- 10,000 people open a product page. Some put the product in the cart, some
-- of those order, the rest leave. The journey map's stages are the columns:
-- awareness of the product (the page), consideration (the cart), the
-- decision and purchase (the order).
--
--   cjmsim check scenario.lua           each stage's eventual shares and days
--   cjmsim run scenario.lua --exact     the expected funnel, without noise
--   cjmsim run scenario.lua --exact --set p_cart=0.15
--
-- The numbers are DAILY probabilities. They compete: a visitor on the page
-- goes to the cart with p_cart a day and leaves with p_page_leave a day, so
-- of those who decide p_cart / (p_cart + p_page_leave) go to the cart, after
-- 1 / (p_cart + p_page_leave) days on average. Conversions multiply along the
-- funnel. The tasks are in student.en.md.

scenario {
  name = "Course 1: the funnel and conversion",
  question = "Of 10,000 visitors, how many reach the cart and the order, and which stage loses most?",
  days = 30,
  customers = 10000,
  seed = 1,
}

-- The four daily probabilities, as parameters: change them with
-- --set NAME=VALUE without editing the file.
local p_cart       = param "p_cart"       { 0.10, low = 0.05, high = 0.20 }  -- page -> cart
local p_page_leave = param "p_page_leave" { 0.30, low = 0.10, high = 0.60 }  -- page -> left
local p_order      = param "p_order"      { 0.20, low = 0.10, high = 0.40 }  -- cart -> order
local p_cart_leave = param "p_cart_leave" { 0.20, low = 0.10, high = 0.40 }  -- cart -> left

stage "product_page" { entry = true, touchpoints = { "photos", "price", "reviews" },
                       thoughts = "Is this what I need?" }
stage "cart"         { touchpoints = "the shopping cart", thoughts = "Is the delivery cheap enough?",
                       pains = "The delivery price appears only now" }
stage "order"        { purchase = true, value = 2000, terminal = true }
stage "left"         { terminal = true, description = "Closed the tab" }

transition("product_page", "cart", p_cart)        -- 0.10 / 0.40 = 25% reach the cart
transition("product_page", "left", p_page_leave)
transition("cart", "order", p_order)              -- 0.20 / 0.40 = 50% of the carts order
transition("cart", "left", p_cart_leave)
