"""Parks and incubators (返乡创业园, 青年创业园, 众创空间, 孵化器, 加速器), tenants and entrepreneurship support."""
