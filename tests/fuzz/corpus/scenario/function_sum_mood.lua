-- Happy customers (mood 3 after the ad) leave the visit stage with 0.6 + 0.6.
persona "fan" { share = 1, mood = 2 }
stage "ad" { entry = true, emotion = 1 }
stage "visit" { }
stage "buy" { purchase = true, value = 10 }
stage "lost" { terminal = true }
transition("ad", "visit", 1)
transition("visit", "buy", function(c) return 0.2 * c.mood end)
transition("visit", "lost", function(c) return 0.2 * c.mood end)
