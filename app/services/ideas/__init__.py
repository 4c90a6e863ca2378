"""Project ideas with candidate partners: the public registration (registration.py) and the office's work
(office.py): publishing ideas, accepting or declining candidates, turning an idea into a project."""
