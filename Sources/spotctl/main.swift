print("spotctl")
