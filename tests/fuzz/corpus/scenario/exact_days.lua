-- Exact-probability test (tests/unit/test_exact.c restates this model in C):
-- probabilities that depend on c.days_in_stage: a one-day spike, a delivery
-- after exactly 3 days (plateau at 1), a hazard with a plateau in the middle
-- that changes again later, and one that rises until the end of the horizon.
-- The entry stage is a purchase stage, so every customer buys on day 0.
scenario { name = "Exact days in stage", days = 50, customers = 100001, seed = 33 }

persona "regular" { share = 0.5 }
persona "fan"     { share = 0.5, mood = 1 }   -- equal shares: the odd customer goes to "regular"

stage "order"    { entry = true, purchase = true, value = 20 }
stage "shipping" { }
stage "home"     { emotion = 1 }
stage "lost"     { terminal = true, emotion = -2 }

transition("order", "shipping", 1)
transition("shipping", "lost", function(c) return c.days_in_stage == 1 and 0.05 or 0 end)
transition("shipping", "home", function(c) return c.days_in_stage >= 3 and 1 or 0 end)
transition("home", "order", function(c) return 0.0001 * c.days_in_stage ^ 2 + 0.003 * c.mood end)
transition("home", "lost", function(c)
  if c.days_in_stage <= 5 then return 0.03 elseif c.days_in_stage <= 25 then return 0.01 end
  return 0.03
end)

intervention "tracking" { at = "shipping", mood = 1, scale = { ["shipping->lost"] = 0.2 } }
intervention "express" {
  personas = { "fan" },
  set = { ["shipping->home"] = function(c) return c.days_in_stage >= 2 and 1 or 0 end },
}
