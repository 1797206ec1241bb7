-- Three personas of equal share: the rounding of customers × 1/3 is a tie
-- that must go to the persona declared first.
scenario { name = "Thirds" }
persona "first"  { share = 1/3 }
persona "second" { share = 1/3 }
persona "third"  { share = 1/3 }
stage "visit" { entry = true }
stage "buy"   { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
