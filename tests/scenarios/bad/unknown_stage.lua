-- The transition names a stage that is spelled differently.
stage "visit" { entry = true }
stage "purchase" { purchase = true, value = 10 }
transition("visit", "purchse", 0.1)
