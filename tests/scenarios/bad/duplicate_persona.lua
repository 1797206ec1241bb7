-- The same persona twice.
persona "beginner" { share = 0.5 }
persona "coach" { share = 0.25 }
persona "beginner" { share = 0.25 }
stage "visit" { entry = true }
