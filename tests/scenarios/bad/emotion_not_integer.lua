-- Emotions move the mood in whole steps.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10, emotion = 0.5 }
