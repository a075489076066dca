print("portwatch")
