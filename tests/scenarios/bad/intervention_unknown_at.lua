-- The intervention happens at a stage that is not declared.
stage "visit" { entry = true }
stage "purchase" { purchase = true, value = 10 }
transition("visit", "purchase", 0.1)
intervention "notify" {
  at = "purchace", mood = 1,
}
