from filmshelf.cli import main

main()
