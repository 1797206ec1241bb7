-- A persona with share 0 has no customers but is still reported.
scenario { name = "Zero share" }
persona "regular" { share = 1 }
persona "ghost"   { share = 0 }
stage "visit" { entry = true }
stage "buy"   { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
