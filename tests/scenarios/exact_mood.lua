-- Exact-probability test (tests/unit/test_exact.c restates this model in C):
-- probabilities that depend on c.mood, stage emotions, and the clamp of mood
-- to [-3, 3] binding at both ends.
scenario { name = "Exact mood", days = 30, customers = 150000, seed = 11 }

persona "calm" { share = 0.6, mood = 0 }
persona "edgy" { share = 0.4, mood = -2 }   -- -2 + cart's -2 clamps to -3

stage "visit"    { entry = true }
stage "cart"     { emotion = -2 }
stage "purchase" { purchase = true, value = 25, emotion = -1 }
stage "happy"    { emotion = 2 }
stage "lost"     { terminal = true }

transition("visit", "cart", function(c) return 0.10 + 0.01 * c.mood end)
transition("visit", "lost", 0.02)
transition("cart", "purchase", function(c) return 0.15 + 0.02 * c.mood end)
transition("cart", "lost", 0.05)
transition("purchase", "happy", 0.5)
transition("happy", "purchase", function(c) return 0.10 + 0.02 * c.mood end)
transition("happy", "lost", function(c) return 0.03 - 0.004 * c.mood end)

-- With +3 at purchase every purchase-happy loop raises mood by 4: the second
-- purchase already meets the upper clamp.
intervention "reassure" { at = "purchase", mood = 3 }
intervention "nudge" { personas = { "edgy" }, scale = { ["cart->purchase"] = 1.5 } }
