"""Reference solutions for backprop-lab: the modules and names of ``exercises/``, implemented."""
