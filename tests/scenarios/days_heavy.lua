-- Thread invariance and variant sharing with probabilities that change with
-- c.days_in_stage on almost every day (tests/e2e/08_reproducibility.t): a
-- fading sign-up, a trial that converts on its last day, a charge every 30
-- days, a pause that wears on. Interventions act late (flexible_pause, for
-- two personas) and early (welcome_call), so variants share the start of
-- some journeys and all of others.
scenario { name = "Days in stage", days = 120, customers = 5000, seed = 5 }

persona "family" { share = 0.5, household = 4 }
persona "single" { share = 0.3, household = 1 }
persona "foodie" { share = 0.2, mood = 1, household = 2 }

stage "visitor"    { entry = true }
stage "trial"      { emotion = 1 }
stage "charged"    { purchase = true, emotion = -1,
                     value = { family = 80, single = 35, foodie = 55 } }
stage "subscriber" { emotion = 1 }
stage "paused"     { emotion = -1 }
stage "gone"       { terminal = true }
stage "cancelled"  { terminal = true }

transition("visitor", "trial", function(c) return 0.06 * math.exp(-c.days_in_stage / 25) end)
transition("visitor", "gone", function(c)
  return math.min(0.05, 0.004 + 0.0004 * c.days_in_stage)
end)
transition("trial", "charged", function(c)
  if c.days_in_stage < 14 then return 0.006 + 0.001 * c.days_in_stage end
  if c.days_in_stage == 14 then return 0.45 + 0.05 * c.mood end
  return 0
end)
transition("trial", "gone", function(c) return c.days_in_stage > 14 and 1 or 0.004 end)
transition("charged", "subscriber", function(c) return c.days_in_stage >= 3 and 1 or 0.4 end)
transition("subscriber", "charged", function(c) return c.days_in_stage >= 30 and 1 or 0 end)
transition("subscriber", "paused", function(c)
  return c.days_in_stage >= 30 and 0 or (0.001 + 0.00012 * c.days_in_stage) * (1 - 0.15 * c.mood)
end)
transition("subscriber", "cancelled", function(c)
  return c.days_in_stage >= 30 and 0 or 0.0005 + 0.00004 * c.days_in_stage ^ 1.5
end)
transition("paused", "subscriber", function(c)
  return 0.05 * math.exp(-c.days_in_stage / 40) + 0.002 * c.household
end)
transition("paused", "cancelled", function(c) return math.min(0.2, 0.0003 * c.days_in_stage) end)

intervention "welcome_call" { at = "trial", mood = 1, cost_per_customer = 4 }
intervention "flexible_pause" {
  personas = { "family", "single" },
  scale = { ["subscriber->paused"] = 0.5, ["paused->subscriber"] = 1.3 },
  cost_per_customer = 2,
}
