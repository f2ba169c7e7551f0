from devkit.stripe_emulator.server import main

main()
