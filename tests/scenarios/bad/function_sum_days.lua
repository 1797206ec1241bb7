-- From the 10th day in the stage on, the two exits add up to 1.1.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
stage "lost" { terminal = true }
transition("visit", "buy", function(c) return c.days_in_stage >= 10 and 0.6 or 0.1 end)
transition("visit", "lost", 0.5)
