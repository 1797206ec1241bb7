-- Exact-probability test (tests/unit/test_exact.c restates this model in C):
-- the journey of DESIGN.md on a shorter horizon, with three personas, a
-- persona attribute only one of them has, and three interventions that
-- combine (mood at a stage for some personas, two scales of the same edge,
-- a per-persona set) in the variant with all of them.
scenario { name = "Exact combined", days = 60, customers = 150001, seed = 44 }

persona "beginner" { share = 0.50, mood = 0 }
persona "athlete"  { share = 0.35, mood = 1 }
persona "coach"    { share = 0.15, mood = 1, team_size = 12 }

stage "awareness"     { entry = true }
stage "consideration" { }
stage "purchase"      { purchase = true, value = 40, emotion = -1 }
stage "usage"         { emotion = 1 }
stage "churned"       { terminal = true }

transition("awareness", "consideration", { beginner = 0.20, athlete = 0.30, coach = 0.40 })
transition("consideration", "purchase", function(c) return 0.08 + 0.01 * c.mood end)
transition("consideration", "churned", 0.02)
transition("purchase", "usage", function(c) return c.days_in_stage >= 3 and 1 or 0 end)
transition("usage", "purchase", function(c)
  return 0.03 + 0.005 * c.mood + 0.001 * (c.team_size or 0)
end)
transition("usage", "churned", function(c) return 0.020 - 0.003 * c.mood end)

intervention "notify" { at = "purchase", mood = 1, personas = { "beginner", "athlete" } }
intervention "consult" { personas = { "beginner" }, scale = { ["usage->purchase"] = 1.4 } }
intervention "promo" {
  scale = { ["consideration->purchase"] = 1.5, ["usage->purchase"] = 1.25 },
  set = { ["awareness->consideration"] = { beginner = 0.25, athlete = 0.30, coach = 0.50 } },
}
