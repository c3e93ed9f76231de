destroy
