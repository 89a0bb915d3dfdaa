"""The numpy engine of gdlab: no Qt here (a test checks it)."""
