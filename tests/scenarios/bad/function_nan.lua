-- 0/0 on the first day in the stage.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", function(c) return (c.days_in_stage - 1) / (c.days_in_stage - 1) * 0.1 end)
