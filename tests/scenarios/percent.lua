-- Names with '%', which gnuplot reads as a format wherever a text is a tic
-- label, for the plot tests: each must be drawn as the scenario wrote it
-- ("10% off", not "101ff"), and "50%" must not stop a plot.
scenario { name = "100% sure", days = 20, customers = 1000, seed = 3 }

persona "10% off" { share = 0.5 }
persona "%s %d %n" { share = 0.5, mood = 1 }

stage "ad 100%" { entry = true }
stage "50%"     { purchase = true, value = 10, emotion = -1 }
stage "use %"   { emotion = 1 }
stage "%%"      { terminal = true }

transition("ad 100%", "50%", 0.2)
transition("50%", "use %", 0.5)
transition("use %", "50%", 0.1)
transition("use %", "%%", 0.05)

intervention "10% off" { at = "50%", mood = 1 }
intervention "%d%%" { scale = { ["use %->50%"] = 1.5 } }
