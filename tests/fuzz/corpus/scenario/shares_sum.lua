-- Shares add up to 0.9.
persona "beginner" { share = 0.5 }
persona "athlete" { share = 0.3 }
persona "coach" { share = 0.1 }
stage "visit" { entry = true }
