-- Calendar time: customers arrive every day; a repeat window.
scenario { name = "Calendar", days = 60, seed = 7, arrivals = 37.5, repeat_window = 10,
           discount_rate = 0.5, margin = 0.4 }

persona "a" { share = 0.5 }
persona "b" { share = 0.3 }
persona "c" { share = 0.2 }

stage "visit"  { entry = true }
stage "buy"    { purchase = true, value = 20 }
stage "use"    { }
stage "gone"   { terminal = true }

transition("visit", "buy", { a = 0.05, b = 0.08, c = 0.1 })
transition("visit", "gone", 0.1)
transition("buy", "use", 1)
transition("use", "buy", 0.06)
transition("use", "gone", 0.03)

intervention "remind" { at = "use", cost_per_customer = 0.5, scale = { ["use->buy"] = 1.5 } }
