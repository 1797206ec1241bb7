-- For `cjmsim check` (tests/e2e/21_check.t): ranges known in advance, a
-- stage nobody reaches in the baseline, and two stages nobody can leave.
scenario { name = "Check graph", days = 20, customers = 500, seed = 5 }

persona "a" { share = 0.75, mood = -1, level = 2, who = "Always in a hurry" }
persona "b" { share = 0.25, mood = 2 }

stage "visit"  { entry = true }
stage "buy"    { purchase = true, value = { a = 10, b = 20 }, emotion = 1 }
stage "use"    { }
stage "limbo"  { }
stage "island" { }
stage "wait"   { }
stage "gone"   { terminal = true }

transition("visit", "buy", { a = 0.1, b = 0.3 })
transition("visit", "gone", 0.1)
-- a arrives at mood -1 and never waits; b at mood 2 waits with 0.02.
transition("visit", "wait", function(c) return 0.01 * math.max(c.mood, 0) end)
transition("buy", "use", function(c) return c.days_in_stage >= 2 and 1 or 0 end)
-- Every purchase lifts the mood by 1: a uses at moods 0 to 3, b at 3 only.
transition("use", "buy", function(c) return 0.02 + 0.01 * c.mood end)
transition("use", "limbo", 0.05)    -- limbo has no way out
transition("island", "gone", 0.5)   -- nothing leads to island in the baseline
transition("wait", "gone", 0)       -- a way out that is never taken

intervention "bridge" { set = { ["limbo->island"] = 0.2 }, cost_per_use = 1 }
intervention "boost" { personas = { "a" }, at = "buy", mood = 1, scale = { ["visit->buy"] = 1.5 } }
