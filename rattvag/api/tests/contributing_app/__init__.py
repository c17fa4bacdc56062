"""A stand-in app for the tests of router discovery: installed only inside those tests."""
