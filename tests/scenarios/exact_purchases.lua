-- Exact-probability test (tests/unit/test_exact.c restates this model in C):
-- probabilities that depend on c.purchases (seen capped at 5) and on a persona
-- attribute, per-persona tables and order values, a stage with no way out, and
-- interventions that replace an edge and add a new one with set.
scenario { name = "Exact purchases", days = 40, customers = 120001, seed = 22 }

persona "solo"  { share = 0.55, team_size = 1 }
persona "coach" { share = 0.30, team_size = 8 }
persona "club"  { share = 0.15, team_size = 20 }

stage "browse"  { entry = true }
stage "buy"     { purchase = true, value = { solo = 10, coach = 30, club = 80 } }
stage "use"     { }
stage "dormant" { }   -- no transition leaves it in the baseline: absorbing

transition("browse", "buy", { solo = 0.05, coach = 0.08, club = 0.12 })
transition("browse", "dormant", 0.02)
transition("buy", "use", 0.8)
transition("use", "buy", function(c) return 0.02 + 0.05 * c.purchases + 0.002 * c.team_size end)
transition("use", "dormant", function(c) return 0.06 / c.purchases end)

intervention "loyalty" {
  personas = { "coach", "club" },
  set = { ["use->buy"] = function(c) return 0.08 + 0.004 * c.team_size * c.purchases end },
}
intervention "winback" { set = { ["dormant->browse"] = { solo = 0.05, coach = 0.10, club = 0.15 } } }
