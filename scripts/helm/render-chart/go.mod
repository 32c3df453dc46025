module cryptofunk/render-chart

go 1.19
