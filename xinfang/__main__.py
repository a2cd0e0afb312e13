from xinfang.entry import main

main()
