-- 'baseline' names the run without interventions.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
intervention "baseline" { at = "buy", mood = 1 }
