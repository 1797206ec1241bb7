-- The mood scale is -3 to +3.
persona "fan" { share = 1, mood = 5 }
stage "visit" { entry = true }
