from ganzoo.train import run

run()
