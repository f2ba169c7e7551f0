from orders.emulator.server import main

main()
